// Being written in this commit series (issue 5).
export const handler = async (): Promise<never> => {
  throw new Error('escalate-ticket: not implemented yet');
};
