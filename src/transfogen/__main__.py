from transfogen.cli import main

main()
