"""Council data from OParl 1.0/1.1 servers: reading lists, syncing, turning results into drafts."""
