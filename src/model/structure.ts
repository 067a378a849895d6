/**
 * Document-level checks. `checkDocumentShape` finds what makes a document unusable (the
 * editor then shows an error view instead of a canvas); `checkDocumentContent` finds
 * problems the editor can show on a working canvas (dangling links, bad property types).
 */
import { getNodeKind, getNodeLabel, getPrimaryPipeline, readNodes } from './access';
import { NO_EXTRA, nodeDiagnostic, pipelineDiagnostic } from './diagnostics';
import { isPlainObject } from './json';
import { checkNodeProperties, checkPipelineProperties, NO_ITEMS, nodePropertiesConform } from './propertyCheck';
import type { ICheckOptions } from './schemaCheck';
import type { IDiagnostic, ILink, INode, IPipelineFlowDocument, IPort } from './types';

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

/**
 * Errors that make the document unusable; [] when the shape is sound. Fills `nodeIndex`
 * (when given) with each node's position in its pipeline's node list, by id.
 */
export function checkDocumentShape(doc: unknown, nodeIndex: Map<string, number> = new Map()): IDiagnostic[] {
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
    const nodes: unknown[] = pipeline.nodes;
    for (let n = 0; n < nodes.length; n++) {
      checkNodeShape(nodes[n], p, n, nodeIndex, problems);
    }
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

const APP_DATA_OBJECTS = ['component_parameters', 'ui_data'];
const PORT_SIDES = ['inputs', 'outputs'];

/**
 * Adds the shape problems of node `n` of pipeline `p` to `problems`. Runs for every node
 * of every validation: no pointer strings or arrays unless there is a problem.
 */
function nodePath(p: number, n: number): string {
  return `/pipelines/${p}/nodes/${n}`;
}

function checkNodeShape(node: unknown, p: number, n: number, nodeIndex: Map<string, number>, problems: IDiagnostic[]): void {
  if (!isPlainObject(node)) {
    problems.push(fatal('invalid-node', `Node at ${nodePath(p, n)} must be an object, found ${typeName(node)}.`, { path: nodePath(p, n) }));
    return;
  }
  if (typeof node.id !== 'string' || node.id === '') {
    problems.push(fatal('invalid-node', `Node at ${nodePath(p, n)} has no "id".`, { path: `${nodePath(p, n)}/id` }));
    return;
  }
  const typed = node as INode;
  // One hash operation per node: the map grows unless the id is there already.
  const known = nodeIndex.size;
  nodeIndex.set(node.id, n);
  if (nodeIndex.size === known) {
    problems.push(nodeDiagnostic(typed, 'error', 'duplicate-node-id', undefined, 'another node has the same id.', { path: `${nodePath(p, n)}/id` }));
  }
  if (node.app_data !== undefined) {
    if (!isPlainObject(node.app_data)) {
      problems.push(nodeDiagnostic(typed, 'error', 'invalid-node', 'app_data', `must be an object, found ${typeName(node.app_data)}.`, { path: `${nodePath(p, n)}/app_data` }));
    } else {
      for (let k = 0; k < APP_DATA_OBJECTS.length; k++) {
        const key = APP_DATA_OBJECTS[k];
        const value = node.app_data[key];
        if (value !== undefined && !isPlainObject(value)) {
          problems.push(nodeDiagnostic(typed, 'error', 'invalid-node', key, `must be an object, found ${typeName(value)}.`, { path: `${nodePath(p, n)}/app_data/${key}` }));
        }
      }
    }
  }
  for (let s = 0; s < PORT_SIDES.length; s++) {
    const side = PORT_SIDES[s];
    const ports = node[side];
    if (ports === undefined) {
      continue;
    }
    if (!Array.isArray(ports)) {
      problems.push(nodeDiagnostic(typed, 'error', 'invalid-node', side, `must be a list of ports, found ${typeName(ports)}.`, { path: `${nodePath(p, n)}/${side}` }));
      continue;
    }
    for (let i = 0; i < ports.length; i++) {
      const port: unknown = ports[i];
      if (!isPlainObject(port)) {
        problems.push(nodeDiagnostic(typed, 'error', 'invalid-node', side, `port ${i + 1} must be an object.`, { path: `${nodePath(p, n)}/${side}/${i}` }));
        continue;
      }
      if (port.links !== undefined && !wellFormedLinks(port.links)) {
        problems.push(
          nodeDiagnostic(typed, 'error', 'invalid-node', side, `port ${i + 1}: "links" must be a list of {id, node_id_ref, port_id_ref}.`, {
            path: `${nodePath(p, n)}/${side}/${i}/links`
          })
        );
      }
    }
  }
}

function wellFormedLinks(links: unknown): boolean {
  if (!Array.isArray(links)) {
    return false;
  }
  for (let i = 0; i < links.length; i++) {
    const link: unknown = links[i];
    if (!isPlainObject(link) || typeof link.node_id_ref !== 'string') {
      return false;
    }
  }
  return true;
}

function idsOf(nodes: readonly INode[]): Set<unknown> {
  const ids = new Set<unknown>();
  for (let i = 0; i < nodes.length; i++) {
    ids.add(nodes[i].id);
  }
  return ids;
}

/**
 * Problems inside a well-shaped document. With `typesOnly` (what parsePipeline uses),
 * property values are only checked for their JSON type; values that are well-typed but
 * invalid (memory -2, a malformed image) are left to validatePipeline, so that the
 * editor can show them on the canvas. `onlyPipelineIndex`: the node ids of a one-pipeline
 * document (with their positions), when the caller has them (validatePipeline, from
 * checkDocumentShape).
 */
export function checkDocumentContent(
  doc: IPipelineFlowDocument,
  options: ICheckOptions = {},
  onlyPipelineIndex?: ReadonlyMap<string, number>
): IDiagnostic[] {
  const problems: IDiagnostic[] = [];
  const pipelineIds = new Set(doc.pipelines.map(pipeline => pipeline.id));
  doc.pipelines.forEach((pipeline, p) => {
    const extra = pipeline.id === doc.primary_pipeline ? NO_EXTRA : { pipelineId: pipeline.id };
    const nodes = readNodes(pipeline);
    const nodeIds: { has(id: unknown): boolean } = onlyPipelineIndex && doc.pipelines.length === 1 ? onlyPipelineIndex : idsOf(nodes);
    const linkIds = new Set<string>();
    nodes.forEach((node, n) => {
      if (typeof node.type !== 'string' || !KNOWN_NODE_TYPES.has(node.type)) {
        problems.push(
          nodeDiagnostic(node, 'warning', 'unknown-node-type', 'type', `unknown node type ${JSON.stringify(node.type) ?? '(missing)'}.`, {
            path: `${nodePath(p, n)}/type`,
            ...extra
          })
        );
      }
      // Indexed loops: these run for every link of every node, and for-of allocates.
      const inputs = Array.isArray(node.inputs) ? node.inputs : (NO_ITEMS as readonly IPort[]);
      for (let i = 0; i < inputs.length; i++) {
        const port = inputs[i];
        const links = Array.isArray(port?.links) ? port.links : (NO_ITEMS as readonly ILink[]);
        for (let l = 0; l < links.length; l++) {
          const link = links[l];
          if (!nodeIds.has(link.node_id_ref)) {
            problems.push(
              nodeDiagnostic(node, 'error', 'dangling-link', undefined, `has a link from node "${link.node_id_ref}", which does not exist.`, {
                path: `${nodePath(p, n)}/inputs`,
                linkIds: typeof link.id === 'string' ? [link.id] : [],
                ...extra
              })
            );
          }
          if (typeof link.id === 'string') {
            const known = linkIds.size;
            linkIds.add(link.id);
            if (linkIds.size === known) {
              problems.push(nodeDiagnostic(node, 'warning', 'duplicate-link-id', undefined, `link id "${link.id}" is used twice.`, { ...extra }));
            }
          }
        }
      }
      if (node.type === 'super_node') {
        const ref = isPlainObject(node.subflow_ref) ? node.subflow_ref.pipeline_id_ref : undefined;
        if (typeof ref !== 'string' || !pipelineIds.has(ref)) {
          problems.push(
            nodeDiagnostic(node, 'error', 'missing-subflow', 'subflow_ref', `refers to pipeline ${JSON.stringify(ref) ?? '(none)'}, which is not in the file.`, {
              path: `${nodePath(p, n)}/subflow_ref`,
              ...extra
            })
          );
        }
      }
      if (getNodeKind(node) !== null) {
        // Checked without the JSON pointer first: building it for each of 5000 valid nodes
        // is garbage; a node with problems is checked again to point at them.
        if (!nodePropertiesConform(node, options)) {
          for (const d of checkNodeProperties(node, nodePath(p, n), options)) {
            problems.push({ ...d, ...extra });
          }
        }
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
        if (isPlainObject(ref) && typeof ref.node_ref === 'string' && !nodeIds.has(ref.node_ref)) {
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
