/**
 * Random ids for nodes, links and comments. Elyra uses UUID v4 strings; we do the same
 * so that files stay indistinguishable. Works in browsers and Node (Web Crypto), with a
 * Math.random fallback for exotic runtimes (ids need to be unique, not secret).
 */
export function newId(): string {
  const cryptoObject = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (cryptoObject && typeof cryptoObject.randomUUID === 'function') {
    return cryptoObject.randomUUID();
  }
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, c => {
    const r = Math.floor(Math.random() * 16);
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);
  });
}
