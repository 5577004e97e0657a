/**
 * Operation kinds, shared by the YCSB kernel that draws them and the drivers that run them.
 * INSERT writes a key no one has written (YCSB's insert key sequence); READ_MODIFY_WRITE is
 * YCSB's read-modify-write: a read, then an update of the same key, timed as one operation.
 */
export const OPERATION_READ = 0;
export const OPERATION_UPDATE = 1;
export const OPERATION_DELETE = 2;
export const OPERATION_INSERT = 3;
export const OPERATION_READ_MODIFY_WRITE = 4;
export const OPERATION_KIND_COUNT = 5;
