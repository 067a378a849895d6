/**
 * Canvas comments (Markdown notes, optionally attached to nodes), stored like Elyra in
 * the pipeline's app_data.ui_data.comments.
 */
import { getComments } from './access';
import { newId } from './ids';
import { isPlainObject } from './json';
import { updateAllPipelines, updatePipeline } from './update';
import type { IComment, IPipeline, IPipelineFlowDocument } from './types';

function withComments(pipeline: IPipeline, update: (comments: IComment[]) => IComment[]): IPipeline {
  const appData = isPlainObject(pipeline.app_data) ? pipeline.app_data : {};
  const uiData = isPlainObject(appData.ui_data) ? appData.ui_data : {};
  const current = Array.isArray(uiData.comments) ? uiData.comments : [];
  const next = update(current);
  if (next === current) {
    return pipeline;
  }
  return { ...pipeline, app_data: { ...appData, ui_data: { ...uiData, comments: next } } };
}

function mapComments(doc: IPipelineFlowDocument, ids: Set<string>, update: (comment: IComment) => IComment): IPipelineFlowDocument {
  return updateAllPipelines(doc, pipeline =>
    withComments(pipeline, comments => {
      let changed = false;
      const next = comments.map(comment => {
        if (!isPlainObject(comment) || !ids.has(comment.id)) {
          return comment;
        }
        const updated = update(comment);
        changed = changed || updated !== comment;
        return updated;
      });
      return changed ? next : comments;
    })
  );
}

export interface INewCommentOptions {
  x: number;
  y: number;
  content?: string;
  width?: number;
  height?: number;
  /** Nodes to attach the comment to. */
  nodeIds?: string[];
  pipelineId?: string;
}

export function addComment(
  doc: IPipelineFlowDocument,
  options: INewCommentOptions
): { document: IPipelineFlowDocument; commentId: string } {
  const comment: IComment = {
    id: newId(),
    x_pos: options.x,
    y_pos: options.y,
    width: options.width ?? 175,
    height: options.height ?? 42,
    content: options.content ?? '',
    associated_id_refs: (options.nodeIds ?? []).map(nodeId => ({ node_ref: nodeId }))
  };
  const document = updatePipeline(doc, options.pipelineId ?? doc.primary_pipeline, pipeline =>
    withComments(pipeline, comments => [...comments, comment])
  );
  return { document, commentId: comment.id };
}

/** Changes content, position or size (only the given fields). */
export function updateComment(
  doc: IPipelineFlowDocument,
  commentId: string,
  patch: Partial<Pick<IComment, 'content' | 'x_pos' | 'y_pos' | 'width' | 'height'>>
): IPipelineFlowDocument {
  return mapComments(doc, new Set([commentId]), comment => {
    const changed = Object.entries(patch).some(([key, value]) => value !== undefined && comment[key] !== value);
    if (!changed) {
      return comment;
    }
    const next: IComment = { ...comment };
    for (const [key, value] of Object.entries(patch)) {
      if (value !== undefined) {
        next[key] = value;
      }
    }
    return next;
  });
}

export function removeComments(doc: IPipelineFlowDocument, commentIds: Iterable<string>): IPipelineFlowDocument {
  const ids = new Set(commentIds);
  if (ids.size === 0) {
    return doc;
  }
  return updateAllPipelines(doc, pipeline =>
    withComments(pipeline, comments =>
      comments.some(comment => ids.has(comment?.id)) ? comments.filter(comment => !ids.has(comment?.id)) : comments
    )
  );
}

export function attachComment(doc: IPipelineFlowDocument, commentId: string, nodeId: string): IPipelineFlowDocument {
  return mapComments(doc, new Set([commentId]), comment => {
    const refs = Array.isArray(comment.associated_id_refs) ? comment.associated_id_refs : [];
    if (refs.some(ref => ref?.node_ref === nodeId)) {
      return comment;
    }
    return { ...comment, associated_id_refs: [...refs, { node_ref: nodeId }] };
  });
}

export function detachComment(doc: IPipelineFlowDocument, commentId: string, nodeId: string): IPipelineFlowDocument {
  return mapComments(doc, new Set([commentId]), comment => {
    const refs = Array.isArray(comment.associated_id_refs) ? comment.associated_id_refs : [];
    if (!refs.some(ref => ref?.node_ref === nodeId)) {
      return comment;
    }
    return { ...comment, associated_id_refs: refs.filter(ref => ref?.node_ref !== nodeId) };
  });
}

export { getComments };
