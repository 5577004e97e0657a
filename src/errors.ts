/**
 * Errors a user can cause or meet (bad configuration, oversize input, a full device, an
 * access outside a registered region). Their messages say what was wrong and what to do;
 * the command line prints them without a stack trace. Anything else is a bug.
 */
export class ScalioError extends Error {
  override name = 'ScalioError';
}

/** An impossible or inconsistent configuration. */
export class ConfigError extends ScalioError {
  override name = 'ConfigError';
}

/** A key or value that breaks the configured limits; nothing was written. */
export class InputError extends ScalioError {
  override name = 'InputError';
}

/** An RDMA verb outside the registered memory regions: the NIC's remote access error. */
export class RemoteAccessError extends ScalioError {
  override name = 'RemoteAccessError';
}

/** An NVMe command outside a device's blocks or the issuer's buffer. */
export class NvmeError extends ScalioError {
  override name = 'NvmeError';
}

/** The store cannot take a write (a full bucket or a full log); nothing was acknowledged. */
export class StoreFullError extends ScalioError {
  override name = 'StoreFullError';
}

/** A protocol gave up after its bounded retries: a liveness failure, reported, never hidden. */
export class ProtocolError extends ScalioError {
  override name = 'ProtocolError';
}
