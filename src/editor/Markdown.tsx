import React, { useEffect, useRef } from 'react';
import { useEditorContext } from './context';

/**
 * Markdown rendered by JupyterLab's sanitising renderer when available, else plain text.
 * Re-renders only when the source changes.
 */
export function Markdown({ source, className }: { source: string; className?: string }): JSX.Element {
  const { services } = useEditorContext();
  const host = useRef<HTMLDivElement>(null);
  const render = services.renderMarkdown;
  useEffect(() => {
    const node = host.current;
    if (!node) {
      return;
    }
    if (!render) {
      node.textContent = source;
      return;
    }
    let cancelled = false;
    const scratch = document.createElement('div');
    render(scratch, source)
      .then(() => {
        if (!cancelled) {
          node.replaceChildren(...Array.from(scratch.childNodes));
        }
      })
      .catch(() => {
        if (!cancelled) {
          node.textContent = source;
        }
      });
    return () => {
      cancelled = true;
    };
  }, [source, render]);
  return <div ref={host} className={`${className ?? ''}${render ? '' : ' jp-mod-plain'}`} />;
}
