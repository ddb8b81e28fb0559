// Writes the API's OpenAPI document to the file named as the first argument (or to stdout), for
// the linter CI runs (`npm run lint:openapi`). No server starts, nothing is connected to.
import { writeFileSync } from 'node:fs';
import { openapiDocument } from '../api/openapi';

const document = `${JSON.stringify(await openapiDocument(process.env.MESA_PUBLIC_URL ?? 'https://mesa.example.org'), null, 2)}\n`;
if (process.argv[2]) writeFileSync(process.argv[2], document);
else process.stdout.write(document);
