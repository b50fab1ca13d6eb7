from medevac.cli import main_exit

main_exit()
