import { Handle, NodeProps, NodeResizer, OnResizeEnd, Position } from '@xyflow/react';
import React, { memo, useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { updateComment } from '../model';
import { useEditorContext } from './context';
import { OUTPUT_PORT } from './graph';
import { Markdown } from './Markdown';
import type { CommentFlowNode } from './types';

/**
 * A Markdown comment on the canvas. Double-click edits it; dragging from its handle onto
 * a node attaches it to that node.
 */
function CommentNodeComponent({ id, data, selected }: NodeProps<CommentFlowNode>): JSX.Element {
  const { model, services, viewState } = useEditorContext();
  const trans = services.trans;
  const [draft, setDraft] = useState<string | null>(null);
  const editor = useRef<HTMLTextAreaElement>(null);
  const editing = draft !== null;
  // Focus once React Flow shows the node (it hides nodes until they are measured).
  useEffect(() => {
    if (!editing) {
      return;
    }
    let frame = 0;
    let tries = 0;
    const focus = () => {
      const area = editor.current;
      area?.focus();
      if (area && document.activeElement !== area && ++tries < 30) {
        frame = requestAnimationFrame(focus);
      }
    };
    frame = requestAnimationFrame(focus);
    return () => cancelAnimationFrame(frame);
  }, [editing]);

  // A comment just added from the toolbar opens for editing.
  const editRequested = useSyncExternalStore(viewState.subscribe, () => viewState.getSnapshot().editComment === id);
  useEffect(() => {
    if (editRequested) {
      setDraft(data.content);
      viewState.set({ editComment: null });
    }
  }, [editRequested, data.content, viewState]);

  const commit = useCallback(
    (content: string) => {
      setDraft(null);
      if (content !== data.content) {
        model.edit(trans.__('Edit comment'), doc => updateComment(doc, id, { content }));
      }
    },
    [model, id, data.content, trans]
  );

  const onResizeEnd: OnResizeEnd = useCallback(
    (_event, params) => {
      model.edit(trans.__('Resize comment'), doc =>
        updateComment(doc, id, {
          x_pos: Math.round(params.x),
          y_pos: Math.round(params.y),
          width: Math.round(params.width),
          height: Math.round(params.height)
        })
      );
    },
    [model, id, trans]
  );

  return (
    <div
      className={`jp-tekton-PipelineEditor-comment${selected ? ' jp-mod-selected' : ''}`}
      data-testid="pipeline-comment"
      onDoubleClick={event => {
        event.stopPropagation();
        setDraft(data.content);
      }}
    >
      <NodeResizer
        isVisible={selected && draft === null}
        minWidth={80}
        minHeight={40}
        onResizeEnd={onResizeEnd}
        lineClassName="jp-tekton-PipelineEditor-commentResize"
        handleClassName="jp-tekton-PipelineEditor-commentResize"
      />
      {draft !== null ? (
        <textarea
          className="jp-tekton-PipelineEditor-commentEditor nodrag nowheel nopan"
          aria-label={trans.__('Comment (Markdown)')}
          ref={editor}
          value={draft}
          onChange={event => setDraft(event.target.value)}
          onBlur={event => commit(event.target.value)}
          onKeyDown={event => {
            if (event.key === 'Escape') {
              event.preventDefault();
              setDraft(null);
            } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
              event.preventDefault();
              commit(event.currentTarget.value);
            }
          }}
        />
      ) : data.content ? (
        <Markdown className="jp-tekton-PipelineEditor-commentText" source={data.content} />
      ) : (
        <div className="jp-tekton-PipelineEditor-commentText jp-mod-placeholder">
          {trans.__('Double-click to write a comment (Markdown)')}
        </div>
      )}
      <Handle
        type="source"
        position={Position.Right}
        id={OUTPUT_PORT}
        className="jp-tekton-PipelineEditor-handle jp-mod-comment"
        data-testid="comment-handle"
        aria-label={trans.__('Attach comment to a node')}
        title={trans.__('Drag onto a node to attach this comment')}
      />
    </div>
  );
}

export const CommentNode = memo(CommentNodeComponent);
