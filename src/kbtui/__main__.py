from kbtui.cli import main

raise SystemExit(main())
