/**
 * Syntax rules the Kubernetes API server and Tekton's webhook enforce on values we copy
 * from a pipeline into YAML. Checked at compile time so a rejected object becomes a
 * diagnostic on the node instead of an admission error after submission.
 */

const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Label and annotation keys, extended resource names: `[prefix/]name`. */
export function isQualifiedName(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) {
    return false;
  }
  const name = parts[parts.length - 1];
  if (name.length > 63 || !QUALIFIED_NAME_PART.test(name)) {
    return false;
  }
  if (parts.length === 2) {
    const prefix = parts[0];
    return prefix.length > 0 && prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix);
  }
  return true;
}

/** Label values (and node selector values): empty, or ≤ 63 of `[-A-Za-z0-9_.]` inside alphanumerics. */
export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && QUALIFIED_NAME_PART.test(value));
}

/** Names of Secrets and PersistentVolumeClaims (DNS-1123 subdomains). */
export function isObjectName(name: string): boolean {
  return name.length > 0 && name.length <= 253 && DNS_SUBDOMAIN.test(name);
}

/**
 * Whether `value` contains something Tekton treats as a variable reference
 * (`$(params.x)`, `$(context.pipelineRun.name)`, `$(tasks.a.results.b)`, …). Tekton has
 * no escape for these: it substitutes them or rejects unknown ones, so a user value
 * containing one cannot be passed through unchanged.
 */
export function findTektonReference(value: string): string | null {
  const match = /\$\(\s*[A-Za-z_][A-Za-z0-9_-]*\s*[.[][^)]*\)?/.exec(value);
  return match ? match[0] : null;
}
