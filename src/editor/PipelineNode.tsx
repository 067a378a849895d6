import { Handle, NodeProps, Position } from '@xyflow/react';
import React, { memo, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { Tekton } from '../tokens';
import { EditorContext } from './context';
import { fitText, NODE_TEXT, NodeTextStyle } from './fitText';
import { COMMENT_PORT, INPUT_PORT, OUTPUT_PORT } from './graph';
import { problemText } from './messages';
import type { IStore, PipelineFlowNode } from './types';

const KIND_BADGES: Record<string, { text: string; title: string }> = {
  notebook: { text: 'NB', title: 'Notebook' },
  python: { text: 'PY', title: 'Python script' },
  r: { text: 'R', title: 'R script' }
};
const UNSUPPORTED_BADGE = { text: '?', title: 'Not supported by this editor (kept as is)' };
/** A node rendered outside an editor (tests) has no theme to follow. */
const NO_THEME: IStore<string> = { subscribe: () => () => undefined, getSnapshot: () => '' };

/**
 * A notebook or script node: kind, label, one summary line, run state and problems.
 * Its data is small and keeps its identity while unchanged, so `memo` skips re-renders.
 */
function PipelineNodeComponent({ data, selected }: NodeProps<PipelineFlowNode>): JSX.Element {
  // Texts are fitted with the theme's fonts: a theme change fits them again.
  const themes = useContext(EditorContext)?.services.colorMode ?? NO_THEME;
  const theme: string = useSyncExternalStore(themes.subscribe, themes.getSnapshot);
  const badge = (data.kind && KIND_BADGES[data.kind]) || UNSUPPORTED_BADGE;
  const errors = data.problems.filter(p => p.severity === 'error');
  const tooltip = data.problems
    .map(p => (p.property ? `${p.property}: ${problemText(p)}` : problemText(p)))
    .join('\n');
  const classes = ['jp-tekton-PipelineEditor-node'];
  if (selected) {
    classes.push('jp-mod-selected');
  }
  if (errors.length) {
    classes.push('jp-mod-error');
  } else if (data.problems.length) {
    classes.push('jp-mod-warning');
  }
  if (!data.kind) {
    classes.push('jp-mod-unsupported');
  }
  if (data.runState) {
    classes.push(`jp-mod-run-${data.runState.status}`);
  }
  return (
    <div
      className={classes.join(' ')}
      data-testid="pipeline-node"
      data-kind={data.kind ?? 'unsupported'}
      title={data.filename || undefined}
    >
      <Handle
        type="target"
        position={Position.Left}
        id={INPUT_PORT}
        className="jp-tekton-PipelineEditor-handle jp-mod-input"
        data-testid="node-input"
        aria-label={`Input of ${data.label}`}
      />
      {data.commented && (
        <Handle
          type="target"
          position={Position.Top}
          id={COMMENT_PORT}
          className="jp-tekton-PipelineEditor-commentHandle"
          isConnectable={false}
        />
      )}
      <div className="jp-tekton-PipelineEditor-nodeHeader">
        <span
          className={`jp-tekton-PipelineEditor-kind jp-mod-${data.kind ?? 'unsupported'}`}
          title={badge.title}
        >
          {badge.text}
        </span>
        <OneLine className="jp-tekton-PipelineEditor-nodeLabel" style={NODE_TEXT.label} theme={theme} testId="node-label" keepText>
          {data.label || '(no label)'}
        </OneLine>
      </div>
      {errors.length > 0 ? (
        <OneLine className="jp-tekton-PipelineEditor-nodeSummary jp-mod-error" style={NODE_TEXT.summary} theme={theme} block>
          {problemText(errors[0])}
        </OneLine>
      ) : data.summary ? (
        <OneLine className="jp-tekton-PipelineEditor-nodeSummary" style={NODE_TEXT.summary} theme={theme} block>
          {data.summary}
        </OneLine>
      ) : null}
      {data.runState && <RunBadge state={data.runState} />}
      {data.problems.length > 0 && (
        <span
          className={`jp-tekton-PipelineEditor-problemBadge ${errors.length ? 'jp-mod-error' : 'jp-mod-warning'}`}
          title={tooltip}
          aria-label={`${data.problems.length} problem${data.problems.length === 1 ? '' : 's'}: ${tooltip}`}
          data-testid="node-problems"
          role="img"
        >
          {data.problems.length}
        </span>
      )}
      <Handle
        type="source"
        position={Position.Right}
        id={OUTPUT_PORT}
        className="jp-tekton-PipelineEditor-handle jp-mod-output"
        data-testid="node-output"
        aria-label={`Output of ${data.label}`}
      />
    </div>
  );
}

export const PipelineNode = memo(PipelineNodeComponent);

/**
 * One line of text within the node's width: shortened to fit ("…", full text in the
 * tooltip), or with `keepText` (the label: its text is the node's name for users, tests
 * and screen readers) clipped by CSS (`jp-mod-clip`) only when it does not fit. Where
 * text cannot be measured, CSS clips it.
 */
function OneLine(props: {
  className: string;
  style: NodeTextStyle;
  theme: string;
  children: string;
  testId?: string;
  block?: boolean;
  keepText?: boolean;
}): JSX.Element {
  const text = props.children;
  const fitted = fitText(text, props.style, props.theme);
  const shortened = fitted !== null && fitted !== text;
  const clip = fitted === null || (shortened && props.keepText);
  const Tag = props.block ? 'div' : 'span';
  return (
    <Tag
      className={clip ? `${props.className} jp-mod-clip` : props.className}
      title={shortened ? text : undefined}
      data-testid={props.testId}
    >
      {clip ? text : fitted}
    </Tag>
  );
}

const RUN_SYMBOLS: Record<Tekton.NodeRunStatus, string> = {
  pending: '',
  running: '●',
  succeeded: '✓',
  failed: '✕',
  skipped: '–',
  cancelled: '■'
};

/** Run state and elapsed time; ticks only while the node is running. */
function RunBadge({ state }: { state: Tekton.INodeRunState }): JSX.Element {
  const running = state.status === 'running';
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) {
      return;
    }
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [running]);
  const elapsed = formatElapsed(state.startedAt, running ? now : state.finishedAt);
  const symbol = RUN_SYMBOLS[state.status] ?? '';
  const text = [symbol, state.status === 'succeeded' || state.status === 'failed' ? '' : state.status, elapsed]
    .filter(Boolean)
    .join(' ');
  return (
    <span
      className={`jp-tekton-PipelineEditor-runBadge jp-mod-${state.status}`}
      title={state.message ? `${state.status}: ${state.message}` : state.status}
      data-testid="node-run-state"
      data-status={state.status}
    >
      {text}
    </span>
  );
}

/** "21s", "2m", "1h 5m"; '' when the start is unknown. */
export function formatElapsed(startedAt?: string, end?: string | number): string {
  if (!startedAt) {
    return '';
  }
  const start = Date.parse(startedAt);
  const stop = typeof end === 'number' ? end : end ? Date.parse(end) : NaN;
  if (Number.isNaN(start) || Number.isNaN(stop)) {
    return '';
  }
  const seconds = Math.max(0, Math.round((stop - start) / 1000));
  if (seconds < 60) {
    return `${seconds}s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes}m`;
  }
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}
