// Being written in this commit series (issue 5).
export const handler = async (): Promise<never> => {
  throw new Error('check-sla: not implemented yet');
};
