/** Operation kinds, shared by the YCSB kernel that draws them and the drivers that run them. */
export const OPERATION_READ = 0;
export const OPERATION_UPDATE = 1;
export const OPERATION_DELETE = 2;
export const OPERATION_KIND_COUNT = 3;
