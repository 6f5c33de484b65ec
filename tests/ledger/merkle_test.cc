// The Merkle tree: roots against RFC 6962's definition and Certificate Transparency's
// published test vectors; proofs drawn by ledger/log/internal/merkle.h checked by
// ledger/integrity/merkle_verify.h; and the classic verifier bugs refused.

#include "ledger/log/internal/merkle.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "ledger/integrity/merkle_verify.h"

namespace secondment {
namespace {

std::string Bytes(const Hash256& hash) { return {reinterpret_cast<const char*>(hash.data()), 32}; }

// MTH straight from RFC 6962 section 2.1, over leaf hashes [begin, end).
Hash256 ReferenceRoot(const std::vector<Hash256>& leaves, size_t begin, size_t end) {
  if (end - begin == 1) return leaves[begin];
  size_t k = 1;
  while (k * 2 < end - begin) k *= 2;
  return NodeHash(ReferenceRoot(leaves, begin, begin + k), ReferenceRoot(leaves, begin + k, end));
}

// A tree grown leaf by leaf, keeping every perfect subtree the frontier reports.
class Tree {
 public:
  explicit Tree(size_t size) {
    for (size_t i = 0; i < size; ++i) {
      leaves_.push_back(LeafHash(std::string(i % 7 + 1, static_cast<char>(i))));
      frontier_.Append(leaves_.back(), [&](int level, uint64_t index, const Hash256& hash) {
        nodes_[{level, index}] = hash;
      });
    }
  }
  SubtreeSource Source() const {
    return [this](int level, uint64_t index) -> Result<Hash256> {
      auto it = nodes_.find({level, index});
      if (it == nodes_.end()) return NotFound("no such subtree");
      return it->second;
    };
  }
  const std::vector<Hash256>& leaves() const { return leaves_; }
  const MerkleFrontier& frontier() const { return frontier_; }
  std::string Root(size_t size) const { return Bytes(ReferenceRoot(leaves_, 0, size)); }
  std::vector<std::string> Inclusion(uint64_t index, uint64_t size) const {
    return AsStrings(*InclusionProof(index, size, Source()));
  }
  std::vector<std::string> Consistency(uint64_t old_size, uint64_t new_size) const {
    return AsStrings(*ConsistencyProof(old_size, new_size, Source()));
  }
  static std::vector<std::string> AsStrings(const std::vector<Hash256>& proof) {
    std::vector<std::string> out;
    for (const auto& h : proof) out.push_back(Bytes(h));
    return out;
  }

 private:
  std::vector<Hash256> leaves_;
  MerkleFrontier frontier_;
  std::map<std::pair<int, uint64_t>, Hash256> nodes_;
};

TEST(MerkleTest, RootsMatchCertificateTransparencyTestVectors) {
  const std::vector<std::string> inputs = {
      "",
      std::string(1, '\x00'),
      "\x10",
      "\x20\x21",
      "\x30\x31",
      "\x40\x41\x42\x43",
      "\x50\x51\x52\x53\x54\x55\x56\x57",
      "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"};
  const std::vector<std::string> roots = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
  MerkleFrontier frontier;
  EXPECT_EQ(ToHex(frontier.Root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  for (size_t i = 0; i < inputs.size(); ++i) {
    frontier.Append(LeafHash(inputs[i]), nullptr);
    EXPECT_EQ(ToHex(frontier.Root()), roots[i]) << "size " << i + 1;
  }
}

TEST(MerkleTest, FrontierAndStoredSubtreesGiveTheReferenceRoot) {
  Tree tree(70);
  EXPECT_EQ(Bytes(tree.frontier().Root()), tree.Root(70));
  for (uint64_t size = 1; size <= 70; ++size) {
    EXPECT_EQ(Bytes(*RootOfSize(size, tree.Source())), tree.Root(size)) << size;
    auto loaded = MerkleFrontier::Load(size, tree.Source());
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(Bytes(loaded->Root()), tree.Root(size)) << size;
  }
}

TEST(MerkleTest, EveryInclusionProofVerifies) {
  Tree tree(40);
  for (uint64_t size = 1; size <= 40; ++size) {
    for (uint64_t index = 0; index < size; ++index) {
      EXPECT_TRUE(VerifyInclusion(Bytes(tree.leaves()[index]), index, size,
                                  tree.Inclusion(index, size), tree.Root(size))
                      .ok())
          << index << " of " << size;
    }
  }
}

TEST(MerkleTest, EveryConsistencyProofVerifies) {
  Tree tree(40);
  for (uint64_t new_size = 1; new_size <= 40; ++new_size) {
    for (uint64_t old_size = 1; old_size <= new_size; ++old_size) {
      EXPECT_TRUE(VerifyConsistency(old_size, new_size, tree.Consistency(old_size, new_size),
                                    tree.Root(old_size), tree.Root(new_size))
                      .ok())
          << old_size << " to " << new_size;
    }
  }
}

TEST(MerkleTest, ProofsOutsideTheTreeAreRefusedWhenDrawn) {
  Tree tree(5);
  EXPECT_EQ(InclusionProof(5, 5, tree.Source()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(0, 5, tree.Source()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(6, 5, tree.Source()).status().code(), StatusCode::kInvalidArgument);
}

class InclusionBugsTest : public testing::Test {
 protected:
  Tree tree_{13};
  const uint64_t index_ = 6, size_ = 13;
  std::string leaf_ = Bytes(tree_.leaves()[6]);
  std::vector<std::string> proof_ = tree_.Inclusion(6, 13);
  std::string root_ = tree_.Root(13);

  StatusCode Check(std::string_view leaf, uint64_t index, uint64_t size,
                   const std::vector<std::string>& proof, std::string_view root) {
    return VerifyInclusion(leaf, index, size, proof, root).code();
  }
};

TEST_F(InclusionBugsTest, TheHonestProofVerifies) {
  EXPECT_EQ(Check(leaf_, index_, size_, proof_, root_), StatusCode::kOk);
}

TEST_F(InclusionBugsTest, AnExtraHashIsRefused) {
  auto longer = proof_;
  longer.push_back(proof_.back());
  EXPECT_EQ(Check(leaf_, index_, size_, longer, root_), StatusCode::kCorruption);
  longer = proof_;
  longer.insert(longer.begin(), proof_.front());
  EXPECT_EQ(Check(leaf_, index_, size_, longer, root_), StatusCode::kCorruption);
}

TEST_F(InclusionBugsTest, AMissingHashIsRefused) {
  auto shorter = proof_;
  shorter.pop_back();
  EXPECT_EQ(Check(leaf_, index_, size_, shorter, root_), StatusCode::kCorruption);
  EXPECT_EQ(Check(leaf_, index_, size_, {}, root_), StatusCode::kCorruption);
}

TEST_F(InclusionBugsTest, AWrongIndexIsRefused) {
  for (uint64_t index : {uint64_t{5}, uint64_t{7}, uint64_t{12}, uint64_t{13}, UINT64_MAX}) {
    EXPECT_EQ(Check(leaf_, index, size_, proof_, root_), StatusCode::kCorruption) << index;
  }
}

// Sizes that give leaf 6 another path shape. (Sizes 9 to 16 give it the same shape as 13: an
// inclusion proof binds the size only through the root, which a signed checkpoint binds.)
TEST_F(InclusionBugsTest, AWrongSizeIsRefused) {
  for (uint64_t size : {uint64_t{0}, uint64_t{6}, uint64_t{7}, uint64_t{8}, uint64_t{17},
                        uint64_t{32}, UINT64_MAX}) {
    EXPECT_EQ(Check(leaf_, index_, size, proof_, root_), StatusCode::kCorruption) << size;
  }
}

TEST_F(InclusionBugsTest, HashesOfTheWrongLengthAreRefused) {
  EXPECT_EQ(Check(leaf_.substr(1), index_, size_, proof_, root_), StatusCode::kCorruption);
  EXPECT_EQ(Check(leaf_ + "x", index_, size_, proof_, root_), StatusCode::kCorruption);
  EXPECT_EQ(Check("", index_, size_, proof_, root_), StatusCode::kCorruption);
  auto bad = proof_;
  bad[1] = bad[1].substr(0, 31);
  EXPECT_EQ(Check(leaf_, index_, size_, bad, root_), StatusCode::kCorruption);
  EXPECT_EQ(Check(leaf_, index_, size_, proof_, root_.substr(0, 16)), StatusCode::kCorruption);
}

TEST_F(InclusionBugsTest, AnyChangedHashIsRefused) {
  for (size_t i = 0; i < proof_.size(); ++i) {
    auto bad = proof_;
    bad[i][0] ^= 1;
    EXPECT_EQ(Check(leaf_, index_, size_, bad, root_), StatusCode::kCorruption) << i;
  }
  std::string other_leaf = Bytes(tree_.leaves()[7]);
  EXPECT_EQ(Check(other_leaf, index_, size_, proof_, root_), StatusCode::kCorruption);
  // An inner node is not a leaf: the 0x00/0x01 prefixes keep them apart.
  EXPECT_EQ(Check(proof_[1], index_ / 4, (size_ + 3) / 4, {}, root_), StatusCode::kCorruption);
}

TEST(ConsistencyBugsTest, BadProofsAreRefused) {
  Tree tree(21);
  auto proof = tree.Consistency(6, 21);
  std::string old_root = tree.Root(6), new_root = tree.Root(21);
  ASSERT_TRUE(VerifyConsistency(6, 21, proof, old_root, new_root).ok());
  auto code = [&](uint64_t m, uint64_t n, const std::vector<std::string>& p, std::string_view a,
                  std::string_view b) { return VerifyConsistency(m, n, p, a, b).code(); };
  auto longer = proof;
  longer.push_back(proof.back());
  EXPECT_EQ(code(6, 21, longer, old_root, new_root), StatusCode::kCorruption);
  auto shorter = proof;
  shorter.pop_back();
  EXPECT_EQ(code(6, 21, shorter, old_root, new_root), StatusCode::kCorruption);
  EXPECT_EQ(code(6, 21, {}, old_root, new_root), StatusCode::kCorruption);
  EXPECT_EQ(code(5, 21, proof, old_root, new_root), StatusCode::kCorruption);
  EXPECT_EQ(code(6, 16, proof, old_root, new_root), StatusCode::kCorruption);
  EXPECT_EQ(code(6, 33, proof, old_root, new_root), StatusCode::kCorruption);
  EXPECT_EQ(code(0, 21, proof, old_root, new_root), StatusCode::kCorruption);
  EXPECT_EQ(code(22, 21, proof, old_root, new_root), StatusCode::kCorruption);
  EXPECT_EQ(code(6, 21, proof, new_root, old_root), StatusCode::kCorruption);
  EXPECT_EQ(code(6, 21, proof, old_root.substr(1), new_root), StatusCode::kCorruption);
  auto short_hash = proof;
  short_hash[0].pop_back();
  EXPECT_EQ(code(6, 21, short_hash, old_root, new_root), StatusCode::kCorruption);
  for (size_t i = 0; i < proof.size(); ++i) {
    auto bad = proof;
    bad[i][5] ^= 0x40;
    EXPECT_EQ(code(6, 21, bad, old_root, new_root), StatusCode::kCorruption) << i;
  }
  // A power-of-two old tree, whose root the verifier puts in front of the proof itself.
  auto from8 = tree.Consistency(8, 21);
  EXPECT_TRUE(VerifyConsistency(8, 21, from8, tree.Root(8), new_root).ok());
  from8.insert(from8.begin(), tree.Root(8));
  EXPECT_EQ(code(8, 21, from8, tree.Root(8), new_root), StatusCode::kCorruption);
  // Equal sizes: an empty proof and the same root, nothing else.
  EXPECT_TRUE(VerifyConsistency(21, 21, {}, new_root, new_root).ok());
  EXPECT_EQ(code(21, 21, {}, old_root, new_root), StatusCode::kCorruption);
  EXPECT_EQ(code(21, 21, {proof[0]}, new_root, new_root), StatusCode::kCorruption);
}

}  // namespace
}  // namespace secondment
