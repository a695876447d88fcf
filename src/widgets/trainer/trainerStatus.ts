// What the trainer's buttons and status lines read: the worker's session state in the page's terms.
import type { SessionState } from '../../ml/trainingTypes';

export type TrainerStatus = 'starting' | 'loading' | 'ready' | 'running' | 'paused' | 'done' | 'diverged' | 'error';

/** The status a session state report means (a disposed session leaves the status as it was). */
export function stateToStatus(state: SessionState, current: TrainerStatus): TrainerStatus {
  switch (state) {
    case 'idle':
      return 'ready';
    case 'disposed':
      return current;
    default:
      return state;
  }
}
