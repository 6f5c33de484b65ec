#include "ledger/base/status.h"

#include <gtest/gtest.h>

namespace secondment {
namespace {

Result<int> Half(int v) {
  if (v % 2 != 0) return InvalidArgument("odd");
  return v / 2;
}

Result<int> Quarter(int v) {
  ASSIGN_OR_RETURN(int half, Half(v));
  ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckEven(int v) {
  RETURN_IF_ERROR(Half(v).status());
  return Status::Ok();
}

TEST(StatusTest, MacrosPropagateTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status(), InvalidArgument("odd"));
  EXPECT_TRUE(CheckEven(2).ok());
  EXPECT_EQ(CheckEven(3).ToString(), "InvalidArgument: odd");
  EXPECT_EQ(Status().ToString(), "OK");
}

TEST(StatusDeathTest, ValueOfAnErrorIsABug) {
  Result<int> error = NotFound("nothing");
  EXPECT_DEATH((void)error.value(), "value\\(\\) of a Result holding NotFound: nothing");
}

}  // namespace
}  // namespace secondment
