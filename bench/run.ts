/**
 * `npm run bench -- <name>` runs bench/<name>.ts. Each bench prints its figures beside its peers' from
 * the same run and writes bench/results/<name>.json (DESIGN §2, §5).
 */
const name = process.argv[2];
if (name === undefined || !/^[a-z0-9-]+$/.test(name)) {
  console.error('usage: npm run bench -- <name>   (a file bench/<name>.ts)');
  process.exit(2);
}
await import(`./${name}.ts`);
