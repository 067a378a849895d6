/**
 * Adding files as nodes: each notebook / Python / R file becomes a node, with the
 * environment variables it reads pre-filled; anything else is reported, not added.
 */
import type { Contents } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { XYPosition } from '@xyflow/react';
import { addNode, basename, kindForFile, scanEnvVarReferences } from '../model';
import type { IComponentParameters, NodeKind } from '../model/types';
import { relativeToPipeline } from '../editor/paths';
import type { PipelineEditorModel } from './editormodel';

/** Vertical distance between nodes added together. */
const STACK_OFFSET = 90;

export interface IAddFilesOptions {
  model: PipelineEditorModel;
  contents: Contents.IManager;
  trans: TranslationBundle;
  paths: string[];
  /** Flow position of the first node. */
  position: XYPosition;
  notify(message: string, type: 'info' | 'warning' | 'error' | 'success'): void;
}

interface IFileToAdd {
  path: string;
  kind: NodeKind;
  properties: IComponentParameters;
}

/** Adds the supported files as nodes in one undoable edit; returns the new node ids. */
export async function addFilesAsNodes(options: IAddFilesOptions): Promise<string[]> {
  const { model, contents, trans, paths, position, notify } = options;
  const skipped: string[] = [];
  const unreadable: string[] = [];
  const candidates: { path: string; kind: NodeKind }[] = [];
  for (const path of paths) {
    const kind = kindForFile(path);
    if (kind) {
      candidates.push({ path, kind });
    } else {
      skipped.push(path);
    }
  }

  const files: IFileToAdd[] = await Promise.all(
    candidates.map(async ({ path, kind }) => {
      try {
        const file = await contents.get(path, { type: 'file', format: 'text', content: true });
        if (file.type === 'directory') {
          skipped.push(path);
          return null;
        }
        const names = scanEnvVarReferences(String(file.content ?? ''), kind);
        const properties: IComponentParameters = names.length
          ? { env_vars: names.map(name => ({ env_var: name, value: '' })) }
          : {};
        return { path, kind, properties };
      } catch {
        // Still add the node: the file may be readable later; validation flags it if missing.
        unreadable.push(path);
        return { path, kind, properties: {} };
      }
    })
  ).then(list => list.filter((f): f is IFileToAdd => f !== null));

  if (skipped.length) {
    const folders = await Promise.all(skipped.map(p => isDirectory(contents, p)));
    const names = skipped.map((p, i) => (folders[i] ? `${basename(p)}/` : basename(p)));
    notify(
      trans.__(
        'Not added: %1. Only notebooks (.ipynb), Python (.py) and R (.r) files can become nodes.',
        names.join(', ')
      ),
      'warning'
    );
  }
  if (unreadable.length) {
    notify(
      trans.__('Could not read %1 to find the environment variables it uses.', unreadable.map(basename).join(', ')),
      'warning'
    );
  }
  if (!files.length) {
    return [];
  }

  const ids: string[] = [];
  model.edit(
    files.length === 1 ? trans.__('Add node') : trans.__('Add nodes'),
    doc => {
      let next = doc;
      files.forEach((file, i) => {
        const result = addNode(next, {
          kind: file.kind,
          filename: relativeToPipeline(model.path, file.path),
          x: Math.round(position.x),
          y: Math.round(position.y + i * STACK_OFFSET),
          properties: file.properties
        });
        next = result.document;
        ids.push(result.nodeId);
      });
      return next;
    }
  );
  if (ids.length) {
    model.requestSelection({ nodes: ids, comments: [], links: [] });
  }
  return ids;
}

async function isDirectory(contents: Contents.IManager, path: string): Promise<boolean> {
  try {
    const model = await contents.get(path, { content: false });
    return model.type === 'directory';
  } catch {
    return false;
  }
}
