/**
 * A request the endpoint refuses: its HTTP status, the `code` a program acts on and one line of
 * plain English for its developer (the JSON error body).
 */
export class Refusal extends Error {
  override name = 'Refusal';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
