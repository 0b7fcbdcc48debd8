import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { TaskCallback } from '../use-cases/ports';

/** Errors meaning nobody waits on the token any more (the task timed out, or its execution ended). */
const GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** Step Functions SendTaskSuccess: wakes the approval workflow waiting on a task token. */
export class StepFunctionsTaskCallback implements TaskCallback {
  constructor(private readonly client: SFNClient) {}

  async succeed(token: string, output: unknown): Promise<boolean> {
    try {
      await this.client.send(
        new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }),
      );
      return true;
    } catch (e: unknown) {
      if (e instanceof Error && GONE.has(e.name)) return false;
      throw e;
    }
  }
}
