"""engines: where the per-document stages (analyse, extract) run. The stages themselves
do not know which engine calls them."""
