// Runs something a person asked for and shows what went wrong instead of swallowing it: the studio's
// session, the recording panel and the listener page all report refusals and failures through this.

/** The message to show for anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Clears the last message, runs `action`, and shows its failure with `show`. Answers whether it
 * succeeded, so callers can follow up only on success.
 */
export async function attempt(action: () => Promise<unknown>, show: (message: string | undefined) => void): Promise<boolean> {
  show(undefined);
  try {
    await action();
    return true;
  } catch (error) {
    show(messageOf(error));
    return false;
  }
}
