/**
 * Syntax rules the Kubernetes API server and Tekton's webhook enforce on values we copy
 * from a pipeline into YAML. Checked at compile time so a rejected object becomes a
 * diagnostic on the node instead of an admission error after submission.
 */

const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** One shared RegExp (not global: exec keeps no state), not a new one per call. */
const TEKTON_REFERENCE = /\$\(\s*[A-Za-z_][A-Za-z0-9_-]*\s*[.[][^)]*\)?/;

/** Label and annotation keys, extended resource names: `[prefix/]name`. */
export function isQualifiedName(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash !== -1 && key.indexOf('/', slash + 1) !== -1) {
    return false;
  }
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (name.length > 63 || !QUALIFIED_NAME_PART.test(name)) {
    return false;
  }
  if (slash !== -1) {
    return slash > 0 && slash <= 253 && DNS_SUBDOMAIN.test(key.slice(0, slash));
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
  if (!value.includes('$(')) {
    return null; // nearly every value: a native search instead of the RegExp
  }
  const match = TEKTON_REFERENCE.exec(value);
  return match ? match[0] : null;
}
