/**
 * Container image references, checked with the grammar of distribution/reference (the
 * code Docker, containerd and Kubernetes use), plus Docker's normalisation rule that a
 * repository name must be lower case.
 */

const ALPHA_NUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALPHA_NUMERIC}(?:${SEPARATOR}${ALPHA_NUMERIC})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const HOST = `(?:${DOMAIN_NAME}|${IPV6})`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;

/** Anchored pattern for a full reference: name[:tag][@digest]. Usable in JSON Schema. */
export const IMAGE_REFERENCE_PATTERN = `^${NAME}(?::${TAG})?(?:@${DIGEST})?$`;

const IMAGE_REFERENCE = new RegExp(IMAGE_REFERENCE_PATTERN);
const NAME_MAX_LENGTH = 255;

/**
 * Why `image` is not a valid reference, or null when it is. The first path component
 * counts as a registry host only when it looks like one (has '.' or ':', is localhost, or
 * has upper case), as in Docker; everything after the host must be lower case.
 */
export function checkImageReference(image: string): string | null {
  if (image.trim() === '') {
    return 'the image reference is empty';
  }
  if (/\s/.test(image)) {
    return 'an image reference cannot contain spaces';
  }
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
  const name = lastColon > lastSlash ? withoutDigest.slice(0, lastColon) : withoutDigest;
  const firstSlash = name.indexOf('/');
  const first = firstSlash === -1 ? '' : name.slice(0, firstSlash);
  const isDomain =
    firstSlash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  const remote = isDomain ? name.slice(firstSlash + 1) : name;
  if (remote !== remote.toLowerCase()) {
    return 'the repository name must be lower case';
  }
  if (name.length > NAME_MAX_LENGTH) {
    return `the repository name is longer than ${NAME_MAX_LENGTH} characters`;
  }
  if (!IMAGE_REFERENCE.test(image)) {
    return 'it does not follow the form [registry/]repository[:tag][@digest]';
  }
  return null;
}
