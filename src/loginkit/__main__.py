from loginkit.cli import main

main()
