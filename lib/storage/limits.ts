/** "…larger than the 5 GiB upload limit." */
export function tooLargeMessage(maxBytes: number): string {
  return `This file is larger than the ${formatLimit(maxBytes)} upload limit.`;
}

function formatLimit(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1 && n % 1024 === 0) {
    n /= 1024;
    i++;
  }
  return `${n} ${units[i]}`;
}
