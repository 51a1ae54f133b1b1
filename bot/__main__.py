from bot.cli.run import main

main()
