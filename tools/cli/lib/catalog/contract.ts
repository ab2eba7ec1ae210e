// The catalog file `bedrock-sfn catalog` writes is the domain's one catalog shape (src/bedrock/catalog.ts): the
// component, the pack and `--check` read it through the same loader and validator.
import { type CatalogModel, type LifecycleStatus, type ModelCatalog, bundledCatalog } from "../../../../src/bedrock/catalog";

export type { LifecycleStatus };
export type CatalogFileModel = CatalogModel;
/** A catalog as written: `models` may be absent from a file an older version wrote. */
export type CatalogFile = Omit<ModelCatalog, "models"> & { models?: ModelCatalog["models"] };

/** The catalog this package ships (validated when loaded), as `--check` compares an account's view with it. */
export { bundledCatalog };
