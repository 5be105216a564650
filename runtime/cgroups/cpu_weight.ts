// v1 cpu.shares to v2 cpu.weight, the conversion runc, crun and the kubelet agree on:
// shares 2..262144 map linearly onto weight 1..10000.
export function cpuSharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  return Math.floor(1 + ((shares - 2) * 9999) / 262142);
}
