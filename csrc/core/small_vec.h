// small_vec.h: sizes/strides storage with inline capacity, so small tensors allocate no
// separate shape buffers.
#pragma once
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <vector>

namespace mag {

class Shape {
 public:
  static constexpr int kInline = 6;
  Shape() : n_(0), heap_(nullptr) {}
  explicit Shape(size_t n, int64_t v = 0) : n_(0), heap_(nullptr) { resize(n, v); }
  Shape(std::initializer_list<int64_t> l) : n_(0), heap_(nullptr) {
    resize(l.size());
    size_t i = 0;
    for (auto v : l) data()[i++] = v;
  }
  Shape(const std::vector<int64_t>& v) : n_(0), heap_(nullptr) {
    resize(v.size());
    if (!v.empty()) std::memcpy(data(), v.data(), v.size() * 8);
  }
  Shape(const int64_t* p, size_t n) : n_(0), heap_(nullptr) {
    resize(n);
    if (n) std::memcpy(data(), p, n * 8);
  }
  Shape(const Shape& o) : n_(0), heap_(nullptr) { copy_from(o); }
  Shape(Shape&& o) noexcept : n_(o.n_), heap_(o.heap_) {
    if (!heap_) std::memcpy(inl_, o.inl_, sizeof(inl_));
    o.heap_ = nullptr; o.n_ = 0;
  }
  Shape& operator=(const Shape& o) {
    if (this != &o) copy_from(o);
    return *this;
  }
  Shape& operator=(Shape&& o) noexcept {
    if (this != &o) {
      delete[] heap_;
      n_ = o.n_; heap_ = o.heap_;
      if (!heap_) std::memcpy(inl_, o.inl_, sizeof(inl_));
      o.heap_ = nullptr; o.n_ = 0;
    }
    return *this;
  }
  ~Shape() { delete[] heap_; }

  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  int64_t* data() { return heap_ ? heap_ : inl_; }
  const int64_t* data() const { return heap_ ? heap_ : inl_; }
  int64_t& operator[](size_t i) { return data()[i]; }
  int64_t operator[](size_t i) const { return data()[i]; }
  int64_t* begin() { return data(); }
  int64_t* end() { return data() + n_; }
  const int64_t* begin() const { return data(); }
  const int64_t* end() const { return data() + n_; }
  int64_t back() const { return data()[n_ - 1]; }
  void push_back(int64_t v) { resize(n_ + 1); data()[n_ - 1] = v; }
  void insert(size_t pos, int64_t v) {
    resize(n_ + 1);
    int64_t* d = data();
    for (size_t i = n_ - 1; i > pos; --i) d[i] = d[i - 1];
    d[pos] = v;
  }
  void erase(size_t pos) {
    int64_t* d = data();
    for (size_t i = pos; i + 1 < n_; ++i) d[i] = d[i + 1];
    resize(n_ - 1);
  }
  void resize(size_t n, int64_t v = 0) {
    if (n > (size_t)kInline && (heap_ == nullptr || n > cap_)) {
      size_t cap = n * 2;
      int64_t* h = new int64_t[cap];
      if (n_) std::memcpy(h, data(), n_ * 8);
      delete[] heap_;
      heap_ = h; cap_ = cap;
    }
    for (size_t i = n_; i < n; ++i) data()[i] = v;
    n_ = n;
  }
  bool operator==(const Shape& o) const {
    if (n_ != o.n_) return false;
    const int64_t *a = data(), *b = o.data();
    for (size_t i = 0; i < n_; ++i)  // shapes are short: a loop beats a memcmp call
      if (a[i] != b[i]) return false;
    return true;
  }
  bool operator!=(const Shape& o) const { return !(*this == o); }
  std::vector<int64_t> vec() const { return std::vector<int64_t>(begin(), end()); }

 private:
  void copy_from(const Shape& o) {
    if (o.n_ <= (size_t)kInline && !heap_) {
      // the common case: a fixed-size copy the compiler inlines (no memset + memcpy calls).
      // o's buffer always holds kInline values (inline, or a heap block larger than that).
      std::memcpy(inl_, o.data(), sizeof(inl_));
      n_ = o.n_;
      return;
    }
    resize(o.n_);
    if (o.n_) std::memcpy(data(), o.data(), o.n_ * 8);
  }

  size_t n_;
  int64_t* heap_;
  union { int64_t inl_[kInline]; size_t cap_; };
};

}  // namespace mag
