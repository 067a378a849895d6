import { caretDownIcon, errorIcon } from '@jupyterlab/ui-components';
import React from 'react';
import type { IDiagnostic } from '../model/types';
import { warningIcon } from '../widget/icons';
import { useEditorContext } from './context';
import { problemText } from './messages';

/**
 * The pipeline's problems, one per line; clicking a node's problem selects the node and
 * brings it into view.
 */
export function ProblemsList(props: {
  diagnostics: ReadonlyArray<IDiagnostic>;
  onClose(): void;
  onFocusNode(nodeId: string): void;
}): JSX.Element {
  const { services } = useEditorContext();
  const trans = services.trans;
  const { diagnostics } = props;
  return (
    <section
      className="jp-tekton-PipelineEditor-problems"
      aria-label={trans.__('Pipeline problems')}
      data-testid="pipeline-problems"
    >
      <header className="jp-tekton-PipelineEditor-problemsHeader">
        <span>
          {diagnostics.length === 0
            ? trans.__('No problems')
            : trans._n('%1 problem', '%1 problems', diagnostics.length)}
        </span>
        <button
          className="jp-Button jp-mod-minimal"
          title={trans.__('Close')}
          aria-label={trans.__('Close problems list')}
          onClick={props.onClose}
        >
          <caretDownIcon.react tag="span" />
        </button>
      </header>
      <ul>
        {diagnostics.map((d, i) => (
          <li
            key={`${i}:${d.code}:${d.nodeId ?? ''}`}
            className={`jp-tekton-PipelineEditor-problem jp-mod-${d.severity}`}
            data-testid="pipeline-problem"
            data-code={d.code}
          >
            <button
              className="jp-tekton-PipelineEditor-problemButton"
              disabled={!d.nodeId}
              onClick={() => d.nodeId && props.onFocusNode(d.nodeId)}
            >
              <ProblemIcon severity={d.severity} />
              <span className="jp-tekton-PipelineEditor-problemWhere">
                {d.nodeId ? d.nodeLabel || d.nodeId : trans.__('Pipeline')}
                {d.property ? ` · ${d.property}` : ''}
              </span>
              <span className="jp-tekton-PipelineEditor-problemMessage">{problemText(d)}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Red error mark or amber warning triangle, with the severity spelled out for screen readers. */
function ProblemIcon(props: { severity: IDiagnostic['severity'] }): JSX.Element {
  const icon = props.severity === 'error' ? errorIcon : warningIcon;
  return (
    <span role="img" aria-label={props.severity} title={props.severity} className="jp-tekton-PipelineEditor-problemIcon">
      <icon.react tag="span" />
    </span>
  );
}
