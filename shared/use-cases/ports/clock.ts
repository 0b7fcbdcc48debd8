/** Time enters the use cases only through this port, so tests can pin it. */
export interface Clock {
  now(): Date;
}
