from cheguan.cli import main

main()
