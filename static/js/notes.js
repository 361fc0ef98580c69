// notes.js: autosave of debate notes (server and local drafts).
