// Where commands print: stdout and stderr.

#ifndef SECONDMENT_CLI_CONSOLE_H_
#define SECONDMENT_CLI_CONSOLE_H_

#include <cstdio>

namespace secondment::cli {

FILE* Out();
FILE* Err();

}  // namespace secondment::cli

#endif  // SECONDMENT_CLI_CONSOLE_H_
