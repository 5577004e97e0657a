/**
 * A Scalio GET that hits the cache, in one kernel call, for an engine whose verbs take
 * effect at once (the live engine; src/systems/scalio/hit-at-once.ts).
 *
 * Step 1 of the GET machine (src/systems/scalio/client.ts) on a hit is an RDMA READ of the
 * bucket, the scan of the copy, the hit slot's value copied out and a posted 8-byte WRITE
 * of its access time: four kernel calls and two verbs, each a trip through the machine, the
 * engine and the hardware's checks. This runs the same kernels in the same order in one
 * call. On anything but a hit it returns -1, having changed only the client's scratch
 * (the bucket copy, the staged CAS operand), which the machine rewrites from its first READ.
 */
import { SLOT_ACCESS_TIME_OFFSET, SCAN_CODE_SHIFT, SCAN_HIT, SCAN_SLOT_MASK } from "../src/layout/cache-slot";
import { rdmaReadCopyStrided } from "./memory";
import { cacheScan, configuredSlotBytes, configuredSlotValueOffset, slotValueLength } from "./cache";

/**
 * READs the bucket at `bucketRemote` (`bucketBytes`, in the cache region at `regionBase`)
 * into `bucketLocal` and scans it for the key at `descriptor` (CAS operands at `operands`).
 * On a hit: the value goes to `valueOut`, `accessTimeNs` to `wordLocal` and to the slot's
 * access-time word (the posted WRITE); returns the value's length. Otherwise -1.
 */
export function cacheHitAtOnce(
  bucketRemote: usize, bucketLocal: usize, bucketBytes: i32, regionBase: usize, descriptor: usize, operands: usize,
  valueOut: usize, wordLocal: usize, accessTimeNs: f64,
): i32 {
  // The slot geometry is the cache's own (configureCache), so the two cannot disagree.
  const slotBytes = configuredSlotBytes();
  rdmaReadCopyStrided(bucketLocal, bucketRemote, bucketBytes, regionBase, slotBytes);
  // The lease epoch only matters to outcomes other than a hit.
  const scan = cacheScan(bucketLocal, descriptor, operands, 0);
  if ((scan >> SCAN_CODE_SHIFT) != SCAN_HIT) return -1;
  const slot = scan & SCAN_SLOT_MASK;
  const valueLength = slotValueLength(bucketLocal, slot);
  memory.copy(valueOut, bucketLocal + <usize>(slot * slotBytes + configuredSlotValueOffset()), <usize>valueLength);
  const accessTime = <u64>accessTimeNs;
  store<u64>(wordLocal, accessTime);
  // The posted WRITE, as rdmaWriteCopy moves an aligned word: whole.
  atomic.store<u64>(bucketRemote + <usize>(slot * slotBytes), accessTime, SLOT_ACCESS_TIME_OFFSET);
  return valueLength;
}
