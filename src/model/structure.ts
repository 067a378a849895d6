/**
 * Document-level checks. `checkDocumentShape` finds what makes a document unusable (the
 * editor then shows an error view instead of a canvas); `checkDocumentContent` finds
 * problems the editor can show on a working canvas (dangling links, bad property types).
 */
import { getNodeKind, getNodeLabel, getNodes, getPrimaryPipeline } from './access';
import { nodeDiagnostic, pipelineDiagnostic } from './diagnostics';
import { isPlainObject } from './json';
import { checkNodeProperties, checkPipelineProperties } from './propertyCheck';
import type { ICheckOptions } from './schemaCheck';
import type { IDiagnostic, INode, IPipelineFlowDocument } from './types';

const KNOWN_NODE_TYPES = new Set([
  'execution_node',
  'super_node',
  'binding_entry_node',
  'binding_exit_node',
  'binding',
  'model_node'
]);

function typeName(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  return Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}

function fatal(code: string, message: string, extra: Partial<IDiagnostic> = {}): IDiagnostic {
  return { severity: 'error', code, message, ...extra };
}

/** Errors that make the document unusable; [] when the shape is sound. */
export function checkDocumentShape(doc: unknown): IDiagnostic[] {
  if (!isPlainObject(doc)) {
    return [fatal('invalid-document', `The file does not hold a pipeline: expected a JSON object, found ${typeName(doc)}.`)];
  }
  const problems: IDiagnostic[] = [];
  if (doc.doc_type !== 'pipeline') {
    problems.push(
      fatal('invalid-doc-type', `Not a pipeline file: "doc_type" is ${JSON.stringify(doc.doc_type) ?? 'missing'}, expected "pipeline".`, {
        path: '/doc_type'
      })
    );
  }
  // Elyra compares float(version) with 3.0, so "3" is accepted as well.
  if (!(typeof doc.version === 'string' || typeof doc.version === 'number') || Number(doc.version) !== 3) {
    problems.push(
      fatal(
        'invalid-version',
        `Unsupported pipeline-flow version ${JSON.stringify(doc.version) ?? '(missing)'}: only version "3.0" is supported.`,
        { path: '/version' }
      )
    );
  }
  if (doc.pipelines === undefined) {
    problems.push(fatal('missing-pipelines', 'The file has no "pipelines" field.', { path: '/pipelines' }));
    return problems;
  }
  if (!Array.isArray(doc.pipelines)) {
    problems.push(fatal('missing-pipelines', `"pipelines" must be a list, found ${typeName(doc.pipelines)}.`, { path: '/pipelines' }));
    return problems;
  }
  if (doc.pipelines.length === 0) {
    problems.push(fatal('missing-pipelines', 'The "pipelines" list is empty.', { path: '/pipelines' }));
    return problems;
  }
  const nodeIds = new Set<string>();
  const pipelineIds = new Set<string>();
  doc.pipelines.forEach((pipeline: unknown, p: number) => {
    const where = `/pipelines/${p}`;
    if (!isPlainObject(pipeline)) {
      problems.push(fatal('invalid-pipeline', `Pipeline ${p + 1} must be an object, found ${typeName(pipeline)}.`, { path: where }));
      return;
    }
    if (typeof pipeline.id !== 'string' || pipeline.id === '') {
      problems.push(fatal('invalid-pipeline', `Pipeline ${p + 1} has no "id".`, { path: `${where}/id` }));
    } else if (pipelineIds.has(pipeline.id)) {
      problems.push(fatal('duplicate-pipeline-id', `Two pipelines have the id "${pipeline.id}".`, { path: `${where}/id` }));
    } else {
      pipelineIds.add(pipeline.id);
    }
    if (pipeline.app_data !== undefined && !isPlainObject(pipeline.app_data)) {
      problems.push(fatal('invalid-pipeline', `Pipeline "${pipeline.id}": "app_data" must be an object.`, { path: `${where}/app_data` }));
    } else if (isPlainObject(pipeline.app_data) && pipeline.app_data.version !== undefined && typeof pipeline.app_data.version !== 'number') {
      problems.push(
        fatal('invalid-version', `Pipeline "${pipeline.id}": app_data "version" must be a number, found ${typeName(pipeline.app_data.version)}.`, {
          path: `${where}/app_data/version`
        })
      );
    }
    if (!Array.isArray(pipeline.nodes)) {
      problems.push(
        fatal('invalid-pipeline', `Pipeline "${String(pipeline.id)}": "nodes" must be a list, found ${typeName(pipeline.nodes)}.`, {
          path: `${where}/nodes`
        })
      );
      return;
    }
    pipeline.nodes.forEach((node: unknown, n: number) => {
      problems.push(...checkNodeShape(node, `${where}/nodes/${n}`, nodeIds));
    });
  });
  if (typeof doc.primary_pipeline !== 'string' || !pipelineIds.has(doc.primary_pipeline)) {
    problems.push(
      fatal(
        'missing-primary-pipeline',
        doc.primary_pipeline === undefined
          ? 'The file has no "primary_pipeline" field.'
          : `"primary_pipeline" names ${JSON.stringify(doc.primary_pipeline)}, which is not in "pipelines".`,
        { path: '/primary_pipeline' }
      )
    );
  }
  return problems;
}

function checkNodeShape(node: unknown, where: string, nodeIds: Set<string>): IDiagnostic[] {
  if (!isPlainObject(node)) {
    return [fatal('invalid-node', `Node at ${where} must be an object, found ${typeName(node)}.`, { path: where })];
  }
  if (typeof node.id !== 'string' || node.id === '') {
    return [fatal('invalid-node', `Node at ${where} has no "id".`, { path: `${where}/id` })];
  }
  const problems: IDiagnostic[] = [];
  const typed = node as INode;
  if (nodeIds.has(node.id)) {
    problems.push(nodeDiagnostic(typed, 'error', 'duplicate-node-id', undefined, 'another node has the same id.', { path: `${where}/id` }));
  }
  nodeIds.add(node.id);
  if (node.app_data !== undefined) {
    if (!isPlainObject(node.app_data)) {
      problems.push(nodeDiagnostic(typed, 'error', 'invalid-node', 'app_data', `must be an object, found ${typeName(node.app_data)}.`, { path: `${where}/app_data` }));
    } else {
      for (const key of ['component_parameters', 'ui_data']) {
        const value = node.app_data[key];
        if (value !== undefined && !isPlainObject(value)) {
          problems.push(nodeDiagnostic(typed, 'error', 'invalid-node', key, `must be an object, found ${typeName(value)}.`, { path: `${where}/app_data/${key}` }));
        }
      }
    }
  }
  for (const side of ['inputs', 'outputs']) {
    const ports = node[side];
    if (ports === undefined) {
      continue;
    }
    if (!Array.isArray(ports)) {
      problems.push(nodeDiagnostic(typed, 'error', 'invalid-node', side, `must be a list of ports, found ${typeName(ports)}.`, { path: `${where}/${side}` }));
      continue;
    }
    ports.forEach((port: unknown, i: number) => {
      const portPath = `${where}/${side}/${i}`;
      if (!isPlainObject(port)) {
        problems.push(nodeDiagnostic(typed, 'error', 'invalid-node', side, `port ${i + 1} must be an object.`, { path: portPath }));
        return;
      }
      if (port.links === undefined) {
        return;
      }
      if (!Array.isArray(port.links) || !port.links.every(link => isPlainObject(link) && typeof link.node_id_ref === 'string')) {
        problems.push(
          nodeDiagnostic(typed, 'error', 'invalid-node', side, `port ${i + 1}: "links" must be a list of {id, node_id_ref, port_id_ref}.`, {
            path: `${portPath}/links`
          })
        );
      }
    });
  }
  return problems;
}

/**
 * Problems inside a well-shaped document. With `typesOnly` (what parsePipeline uses),
 * property values are only checked for their JSON type; values that are well-typed but
 * invalid (memory -2, a malformed image) are left to validatePipeline, so that the
 * editor can show them on the canvas.
 */
export function checkDocumentContent(doc: IPipelineFlowDocument, options: ICheckOptions = {}): IDiagnostic[] {
  const problems: IDiagnostic[] = [];
  const pipelineIds = new Set(doc.pipelines.map(pipeline => pipeline.id));
  doc.pipelines.forEach((pipeline, p) => {
    const extra = pipeline.id === doc.primary_pipeline ? {} : { pipelineId: pipeline.id };
    const nodes = getNodes(pipeline);
    const byId = new Map(nodes.map(node => [node.id, node]));
    const linkIds = new Set<string>();
    nodes.forEach((node, n) => {
      const where = `/pipelines/${p}/nodes/${n}`;
      if (typeof node.type !== 'string' || !KNOWN_NODE_TYPES.has(node.type)) {
        problems.push(
          nodeDiagnostic(node, 'warning', 'unknown-node-type', 'type', `unknown node type ${JSON.stringify(node.type) ?? '(missing)'}.`, {
            path: `${where}/type`,
            ...extra
          })
        );
      }
      for (const port of Array.isArray(node.inputs) ? node.inputs : []) {
        for (const link of Array.isArray(port?.links) ? port.links : []) {
          if (!byId.has(link.node_id_ref)) {
            problems.push(
              nodeDiagnostic(node, 'error', 'dangling-link', undefined, `has a link from node "${link.node_id_ref}", which does not exist.`, {
                path: `${where}/inputs`,
                linkIds: typeof link.id === 'string' ? [link.id] : [],
                ...extra
              })
            );
          }
          if (typeof link.id === 'string') {
            if (linkIds.has(link.id)) {
              problems.push(nodeDiagnostic(node, 'warning', 'duplicate-link-id', undefined, `link id "${link.id}" is used twice.`, { ...extra }));
            }
            linkIds.add(link.id);
          }
        }
      }
      if (node.type === 'super_node') {
        const ref = isPlainObject(node.subflow_ref) ? node.subflow_ref.pipeline_id_ref : undefined;
        if (typeof ref !== 'string' || !pipelineIds.has(ref)) {
          problems.push(
            nodeDiagnostic(node, 'error', 'missing-subflow', 'subflow_ref', `refers to pipeline ${JSON.stringify(ref) ?? '(none)'}, which is not in the file.`, {
              path: `${where}/subflow_ref`,
              ...extra
            })
          );
        }
      }
      if (getNodeKind(node) !== null) {
        problems.push(...checkNodeProperties(node, where, options).map(d => ({ ...d, ...extra })));
      }
    });
    const uiData = isPlainObject(pipeline.app_data) ? pipeline.app_data.ui_data : undefined;
    const comments = isPlainObject(uiData) ? uiData.comments : undefined;
    if (comments !== undefined && !Array.isArray(comments)) {
      problems.push(pipelineDiagnostic('warning', 'invalid-comments', undefined, 'Canvas comments ("ui_data.comments") must be a list; they are ignored.', extra));
    }
    for (const comment of Array.isArray(comments) ? comments : []) {
      const refs = isPlainObject(comment) && Array.isArray(comment.associated_id_refs) ? comment.associated_id_refs : [];
      for (const ref of refs) {
        if (isPlainObject(ref) && typeof ref.node_ref === 'string' && !byId.has(ref.node_ref)) {
          problems.push(
            pipelineDiagnostic('warning', 'dangling-comment', undefined, `Comment "${String(comment.id)}" is attached to node "${ref.node_ref}", which does not exist.`, extra)
          );
        }
      }
    }
  });
  const primary = getPrimaryPipeline(doc);
  if (primary) {
    problems.push(...checkPipelineProperties(primary, `/pipelines/${doc.pipelines.indexOf(primary)}`, options));
  }
  return problems;
}

/** For messages: "label (id)". */
export function describeNode(node: INode): string {
  const label = getNodeLabel(node);
  return label ? `"${label}" (${node.id})` : String(node.id);
}
