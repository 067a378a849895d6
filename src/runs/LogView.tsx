/**
 * A node's log, read incrementally (`offset` → `next_offset`) while the node runs and
 * once more when it has finished.
 */
import * as React from 'react';
import type { IRunRef, RunsClient } from './client';

export interface ILogViewProps {
  client: RunsClient;
  run: IRunRef;
  taskName: string;
  /** ms between reads while the log is incomplete. */
  interval: number;
}

export function LogView({ client, run, taskName, interval }: ILogViewProps): JSX.Element {
  const [text, setText] = React.useState('');
  const [error, setError] = React.useState<string | null>(null);
  const [complete, setComplete] = React.useState(false);
  const runId = run.id;
  React.useEffect(() => {
    let offset = 0;
    let stopped = false;
    let timer: number | undefined;
    setText('');
    setError(null);
    setComplete(false);
    const read = async () => {
      try {
        // Drain what is there, then wait for more.
        for (;;) {
          const slice = await client.log(run, taskName, offset);
          if (stopped) {
            return;
          }
          if (slice.content) {
            setText(old => old + slice.content);
          }
          const moved = slice.next_offset > offset;
          offset = slice.next_offset;
          if (slice.complete && !moved) {
            setComplete(true);
            return;
          }
          if (!moved) {
            break;
          }
        }
        setError(null);
      } catch (reason) {
        if (stopped) {
          return;
        }
        setError(String((reason as Error)?.message ?? reason));
      }
      timer = window.setTimeout(read, interval);
    };
    void read();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, runId, taskName, interval]);
  return (
    <div className="jp-tekton-RunsPanel-log" data-testid="run-node-log" data-complete={complete ? 'true' : 'false'}>
      {error && <div className="jp-tekton-RunsPanel-error">{error}</div>}
      <pre>{text || (complete ? '(empty log)' : '…')}</pre>
    </div>
  );
}
