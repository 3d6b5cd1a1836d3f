#pragma once
// The status bar's view of running jobs: the newest job's title, a progress bar and Cancel.
// Hidden when nothing runs.

#include <QLabel>
#include <QProgressBar>
#include <QToolButton>
#include <QWidget>
#include <vector>

#include "core/jobs/JobRunner.h"

namespace rnnscope {

class JobStatusWidget : public QWidget {
    Q_OBJECT
public:
    explicit JobStatusWidget(JobRunner& jobs, QWidget* parent = nullptr);
    QToolButton* cancelButton() const { return cancel_; }

private:
    struct Entry {
        JobId id;
        QString title;
        double fraction;
        QString text;
    };
    void show(const Entry* entry);
    void showNewest();

    JobRunner& jobs_;
    QLabel* label_;
    QProgressBar* bar_;
    QToolButton* cancel_;
    std::vector<Entry> entries_;
};

}  // namespace rnnscope
