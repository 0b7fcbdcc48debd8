// Being written in this commit series (issue 5).
export const handler = async (): Promise<never> => {
  throw new Error('transition-ticket: not implemented yet');
};
