// Undo steps of a benchmark run (stop a server, drop a database, remove a directory), run in reverse
// order on success, on failure and on Ctrl-C.
export class Cleanup {
  private steps: Array<{ what: string; run: () => Promise<void> | void }> = [];

  /** Adds a step; the function returned forgets it (when it has been done already). */
  add(what: string, run: () => Promise<void> | void): () => void {
    const step = { what, run };
    this.steps.push(step);
    return () => {
      this.steps = this.steps.filter((s) => s !== step);
    };
  }

  async runAll(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step.run();
      } catch (error) {
        console.error(`  could not ${step.what}: ${(error as Error).message}`);
      }
    }
  }
}
