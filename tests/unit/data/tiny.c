/* A static executable with text, rodata, data and bss, for the ELF tests. */
static const char message[] = "read-only";
int counter = 42;
char zeroes[20000];

void _start(void)
{
	zeroes[counter] = message[0];
	counter += zeroes[counter + 1];
	for (;;)
		;
}
