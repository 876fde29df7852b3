// Prints which server MONGODB_URI reaches (for npm run test:mongo's log); exits 1 when none answers.
'use strict';
const mongoose = require('mongoose');

async function main() {
  const uri = process.env.MONGODB_URI;
  const conn = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
  try {
    const admin = conn.db.admin();
    const info = await admin.command({ buildInfo: 1 });
    const hello = await admin.command({ hello: 1 });
    const server =
      typeof info.ferretdbVersion === 'string'
        ? `FerretDB ${info.ferretdbVersion} (MongoDB ${info.version} compatible)`
        : `MongoDB ${info.version}`;
    const topology = hello.setName
      ? `replica set ${hello.setName}, ${hello.isWritablePrimary ? 'primary' : 'not primary'}`
      : 'standalone (no replica set)';
    // The URI may carry credentials: only the server's own description is printed.
    console.log(`test:mongo against ${server}, ${topology}`);
  } finally {
    await conn.close();
  }
}

main().catch((error) => {
  console.error(`test:mongo: no database answers at MONGODB_URI: ${error.message}`);
  process.exit(1);
});
