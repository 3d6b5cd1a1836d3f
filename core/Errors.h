#pragma once
// Errors a user can act on. Thrown in core, caught at the edge (dialog, CLI stderr).

#include <QString>
#include <stdexcept>

namespace rnnscope {

class UserError : public std::runtime_error {
public:
    explicit UserError(const QString& message) : std::runtime_error(message.toStdString()) {}
    QString message() const { return QString::fromStdString(what()); }
};

// A model file that cannot be opened or used.
class ModelError : public UserError {
public:
    using UserError::UserError;
};

// A dataset file that cannot be read ("line 17 of data.tsv: 3 columns, expected 2").
class DataError : public UserError {
public:
    using UserError::UserError;
};

// Thrown by a job that noticed its cancellation; never shown as an error.
class JobCancelled : public std::exception {
public:
    const char* what() const noexcept override { return "cancelled"; }
};

}  // namespace rnnscope
