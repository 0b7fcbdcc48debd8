// The only way runtime code gets zod (test/domain/zod.test.ts enforces it): `import * as z from './zod'`.
// zod/mini rather than classic `zod`: the same validation core with a functional API, and, imported as a
// namespace like this, esbuild keeps only the schemas and checks actually used. (`import { z } from
// 'zod/mini'` would not: that `z` is one object holding all of zod/mini, every locale included.)
// zod/mini loads no locale, so without the `config` line every built-in message would be just
// "Invalid input"; routing every schema module through here means English can't be forgotten.
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

export * from 'zod/mini';
