import type { AssistantState, ErrorCode } from '../../shared/ipc';

/** What each state is called on screen. */
export function describeState(state: AssistantState, attempt?: number): string {
  switch (state) {
    case 'idle':
      return 'Ready';
    case 'connecting':
      return 'Connecting…';
    case 'reconnecting':
      return attempt ? `Reconnecting (attempt ${attempt})…` : 'Reconnecting…';
    case 'listening':
      return 'Listening';
    case 'user-speaking':
      return 'Hearing you';
    case 'thinking':
      return 'Thinking…';
    case 'speaking':
      return 'Speaking';
    case 'interrupted':
      return 'Interrupted';
    case 'error':
      return 'Stopped';
  }
}

/** A hint under the state, saying what the person can do now. */
export function stateHint(state: AssistantState, manualTurns: boolean): string {
  switch (state) {
    case 'idle':
      return 'Press Talk to start a conversation.';
    case 'connecting':
    case 'reconnecting':
      return 'Hold on, getting a line to the server.';
    case 'listening':
      return manualTurns ? 'Hold the talk button while you speak.' : 'Go ahead, I’m listening.';
    case 'user-speaking':
      return manualTurns ? 'Release when you’re done.' : 'Pause when you’re done.';
    case 'thinking':
      return 'Working on a reply.';
    case 'speaking':
      return 'Speak or press Esc to interrupt.';
    case 'interrupted':
      return 'Stopped the reply. Go ahead.';
    case 'error':
      return 'See the message below.';
  }
}

/** An error in words a person understands, keyed on the engine's error code. */
export function describeError(code: ErrorCode): string {
  switch (code) {
    case 'auth':
      return 'Your API key was rejected. Check it in Settings.';
    case 'not-found':
      return 'That model or deployment doesn’t exist. Check the model (or Azure deployment) in Settings.';
    case 'rate-limit':
      return 'You’ve hit the rate limit. Wait a moment, then try again.';
    case 'network':
      return 'Can’t reach the server. Check your connection.';
    case 'server':
      return 'The server ran into a problem. Try again in a moment.';
    case 'protocol':
      return 'The server answered in a way Kaiwa didn’t expect. Try the other protocol dialect in Settings.';
    case 'session-expired':
      return 'The session expired. Press Talk to start a new one.';
    case 'device':
      return 'No microphone found, or the microphone stopped. Check your audio devices in Settings.';
    case 'config':
      return 'A setting is invalid. Open Settings to fix it.';
    case 'internal':
      return 'Something went wrong inside Kaiwa. Press Talk to try again.';
  }
}

/** Errors the person fixes in Settings: the banner offers a button to go there. */
export function errorNeedsSettings(code: ErrorCode): boolean {
  return code === 'auth' || code === 'not-found' || code === 'config' || code === 'device' || code === 'protocol';
}
