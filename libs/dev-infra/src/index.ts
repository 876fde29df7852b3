export {
  type EmbeddedFerretDb,
  type StartEmbeddedFerretDbOptions,
  ensureFerretDbInstalled,
  ferretDbBinaryPath,
  findRepoRoot,
  killOrphanedFerretDb,
  startEmbeddedFerretDb,
} from './ferretdb-process';
