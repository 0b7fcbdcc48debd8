import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

/** Starts an approval's workflow (Step Functions Standard), once per approval. */
export class ApprovalWorkflowStarter {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  /**
   * Starts the execution named after the approval. Answers false when it already ran or runs: same name
   * and input while running is answered 200 by Step Functions; a finished one is `ExecutionAlreadyExists`.
   */
  async start(approvalId: string, input: { ticketId: string; approvalId: string }): Promise<boolean> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: approvalId,
          input: JSON.stringify(input),
        }),
      );
      return true;
    } catch (e: unknown) {
      if (e instanceof ExecutionAlreadyExists) return false;
      throw e;
    }
  }
}
