from schema_assets.cli import main

main()
