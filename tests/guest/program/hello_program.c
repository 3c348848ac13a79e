/* What `./faultline run --program` builds in its test: newlib, a heap, an exit status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	char *s = malloc(64);

	if (!s)
		return 1;
	strcpy(s, "hello from --program");
	printf("%s (%s, %d argument)\n", s, argv[0], argc);
	free(s);
	return 7;
}
