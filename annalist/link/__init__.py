"""link: the stage that looks across documents."""
